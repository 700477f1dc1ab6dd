"""Channel plug-ins, one folder each (`email/`, `letter/`, `phone/`): a transport class and
the settings it reads, registered in `settings.RELANCE_CHANNELS`.

A channel knows nothing of the outbox: it is handed a finished message shaped by the port
(`reminders.delivery`: Email, Letter, Call) and either delivers it or raises
`reminders.delivery.DeliveryError`, which says whether trying again could help. The core
never imports a channel; it finds the registered one by kind at run time.
"""
