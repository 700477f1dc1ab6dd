from django.db import models


class CompanyQuerySet(models.QuerySet):
    def for_company(self, company):
        """Every query of a screen, the API or the CLI goes through this scope."""
        return self.filter(company=company)


class CompanyScoped(models.Model):
    company = models.ForeignKey("receivables.Company", on_delete=models.CASCADE)

    objects = CompanyQuerySet.as_manager()

    class Meta:
        abstract = True


def money_field(verbose_name, **kwargs):
    return models.DecimalField(verbose_name, max_digits=14, decimal_places=2, **kwargs)
