"""Analysis over CaseFact: the CTM table specifications, outputs and the release log."""
