# English as the UN writes it: day, month, year ("3 December 2026"), 24-hour time, and
# amounts grouped by thousands. Django's own "en" formats are American ("Dec. 3, 2026",
# "12/03/2026", "2:20 p.m."), ambiguous for most readers of the app.
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j F Y, H:i"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
TIME_FORMAT = "H:i"
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
