# No models yet: a report is computed from other apps' rows (reports.selectors). The generated files
# (GeneratedReport) come with the Celery jobs that write them.
