"""Learning: the resource library (publications, full-text search, catalogue import and
export) and lessons learned. Evaluations, recommendations, document review and staff-survey
campaigns follow (issue 18, phase 2)."""
