"""Canadian English formats (LANGUAGE_CODE "en-ca" resolves to this module through
FORMAT_MODULE_PATH before Django's own en_CA). What `{{ a_date }}` and `|date` without an
argument print; the same patterns as the filters in iptcare.core.dates."""

from iptcare.core.dates import CLOCK, DAY, DAY_SHORT, STAMP

DATE_FORMAT = DAY  # 4 August 2026
SHORT_DATE_FORMAT = DAY_SHORT  # 4 Aug 2026
DATETIME_FORMAT = STAMP  # 4 Aug 2026, 10:00 a.m.
SHORT_DATETIME_FORMAT = STAMP
TIME_FORMAT = CLOCK  # 10:00 a.m.
MONTH_DAY_FORMAT = "j F"  # 4 August
YEAR_MONTH_FORMAT = "F Y"  # August 2026
