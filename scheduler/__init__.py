"""Time: class and lecture reminders (see docs/reminders.md).

- `scheduler.planning`: subscriptions → outbox rows (`plan_for_subscription`,
  `drop_for_subscription`, `replan_all`, `offsets_text`) — what the conversation and the
  catalogue import call (what a user says, "提前两小时", is the NLU's `offset` entity);
- `scheduler.dispatcher`: `Dispatcher`, which sends due rows exactly once under APScheduler;
- `scheduler.sender`: the channel-agnostic `Sender` protocol, `OutboundMessage`, the errors,
  `RecordingSender` and `RoutingSender`;
- `scheduler.messages`, `scheduler.offsets`, `scheduler.quiet`, `scheduler.events`,
  `scheduler.changes`, `scheduler.triage`: what messages say, offsets, quiet hours, sessions,
  change notices, and what to do with a claimed batch.
"""
