"""The briefing's last section: notes on reading the figures (comparisons, significance, small counts,
sources)."""

from __future__ import annotations

from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Paragraph

from ...selectors import MonthlyReport
from .layout import para
from .text import SIGNIFICANT, clean, withheld_sentence


def notes(report: MonthlyReport, styles) -> list:
    paragraphs = [
        (
            _("Comparisons."),
            _(
                "Each month's calls are compared with the previous month, with the same month last year (same "
                "season) and with the pre-programme baseline: the mean month over the 12 full months before the "
                "month the sector's programme started. A municipality has a baseline only when all its sectors "
                "share the same one; the whole territory has none. The year to date (January to the report's "
                "month) is compared with the same months last year. A dash means there is nothing to compare "
                "with: no data yet for the reference months, no programme start date, or no calls in the "
                "reference (a % change is then not defined)."
            ),
        ),
        (
            _("Significance."),
            _(
                "Calls vary from month to month even when nothing changes. Each change is tested with an exact "
                "conditional Poisson test for two counts, which allows for the number of months each count "
                "covers. A change marked %(mark)s is significant (p < 0.05): chance alone would rarely produce "
                "it. An unmarked change is within the usual variation and should be read as noise: +200%% on 1 "
                "to 3 calls means nothing. Calls are assumed to be independent events; one incident that "
                "produces many calls makes a change look firmer than it is."
            )
            % {"mark": SIGNIFICANT},
        ),
        (
            _("Small counts."),
            _(
                "Counts drawn from contact data (contacts, 911 avoided, follow-ups, channels, categories, "
                "referrals) from 1 to %(below)s are shown as “< %(threshold)s” so that nobody can be "
                "singled out. Zero is shown. Totals are the sums of the true counts, so a total may be shown "
                "while its parts are hidden."
            )
            % {"below": report.threshold - 1, "threshold": report.threshold}
            + withheld_sentence(report),
        ),
        (
            _("Sources."),
            _(
                "911 calls: the stored monthly call counts per sector and urgency class, in the service's time "
                "zone (a call counts in the month it was received). Contacts, referrals, outreach activities and "
                "campaigns: the records entered by the community officers (referrals made in the month, and "
                "referrals completed in the month whenever made). Coverage: assignments and absences, day by "
                "day. The scope's total includes calls placed in no sector, sectors since deactivated and "
                "activities aimed at the whole service: it can exceed the sum of the sector rows."
            ),
        ),
    ]
    story = [CondPageBreak(50 * mm), para(_("Notes"), styles["h2"])]
    for head, text in paragraphs:
        story.append(Paragraph(f"<b>{escape(clean(head))}</b> {escape(clean(text))}", styles["note"]))
    return story
