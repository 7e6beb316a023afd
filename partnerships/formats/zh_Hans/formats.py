# Django's Simplified Chinese formats (年月日 dates, 24-hour time), with amounts grouped
# by thousands with commas as UN and financial documents in Chinese write them
# ("1,250,000"); Django's own leave them ungrouped.
from django.conf.locale.zh_Hans.formats import *  # noqa: F403

THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
