# Persons are deliberately not in the admin site: identity records are opened only through
# the case pages, where the access policy applies and every opening is logged.
