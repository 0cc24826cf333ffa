"""A vendor's life after the choice: what falls due, tiers and reassessment cycles, contracts, offboarding.

``due`` is the one list of dated work every other part reads: the officer's home page, ``vendorcheck vendors
due``, and the reminders (``vendorcheck.reminders``) that email it. Each kind of work has a *source*, a
function that lists that kind's items for one organization; ``due.SOURCES`` names them all.
"""
