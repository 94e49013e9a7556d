# Models arrive with the issue that gives this app its capability (see README, "Architecture").
