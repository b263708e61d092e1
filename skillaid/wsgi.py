import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "skillaid.settings")
application = get_wsgi_application()

# Refuse to serve with an ID key that does not open this database: the server then
# fails to start with the reason, instead of answering every look-up with nobody.
from skillaid.accounts.keys import id_key_at_start  # noqa: E402

id_key_at_start()
