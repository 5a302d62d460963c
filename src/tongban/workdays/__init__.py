"""The working-day calendar: holidays, make-up days, regional adjustments, deadline arithmetic."""
