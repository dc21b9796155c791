"""anjian (安监): a work-safety supervision platform for county offices."""
