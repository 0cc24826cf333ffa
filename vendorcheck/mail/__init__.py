"""Email: the SMTP server from the settings (``smtp``), the outbox and its delivery (``outbox``).

Nothing here imports Flask. ``smtp`` is standard library only (the settings parse its URL); ``outbox`` is the
database half. Reminders (``vendorcheck.reminders``) and vendor links (``vendorcheck.mail.links``) queue or send
through them. See docs/reminders.md.
"""
