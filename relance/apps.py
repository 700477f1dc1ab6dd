from django.apps import AppConfig


class RelanceConfig(AppConfig):
    name = "relance"
    default = True

    def ready(self):
        from receivables.imports.signals import file_imported

        from .ops.logs import connect_task_signals
        from .ops.metrics import count_imported_rows

        file_imported.connect(count_imported_rows, dispatch_uid="relance-import-rows")
        connect_task_signals()  # the task's id on the workers' log lines
