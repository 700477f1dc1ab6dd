from django.apps import AppConfig


class RelanceConfig(AppConfig):
    name = "relance"
    default = True

    def ready(self):
        from receivables.imports.signals import file_imported

        from .ops.metrics import count_imported_rows

        file_imported.connect(count_imported_rows, dispatch_uid="relance-import-rows")
