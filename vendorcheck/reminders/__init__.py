"""Reminders by email: which reminder each due item needs today, its words, queueing it once, the scheduler.

* ``schedule``: the pure rule (30 / 7 / 1 days before, on the day, weekly while overdue; undated items when
  they appear and weekly) — which reminder is due for an item today.
* ``messages``: the plain-text and HTML words (pure): no answers, no document content, no patient data.
* ``service``: reads ``lifecycle.due.due_items`` for every organization and queues what is due in the outbox.
* ``scheduler``: the app's periodic task (queue reminders, deliver the outbox); ``vendorcheck reminders run``
  does the same from a system timer.
See docs/reminders.md.
"""

from vendorcheck.reminders.schedule import DEFAULT_DAYS_BEFORE, describe_stage, reminder_stage

__all__ = ["DEFAULT_DAYS_BEFORE", "describe_stage", "reminder_stage"]
