"""Settings come from TRESEN_* environment variables; everything else is fixed here."""

import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("TRESEN_DATA_DIR", "tresen-data")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    # Generated once and kept beside the data, so sessions survive restarts.
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = os.environ.get("TRESEN_SECRET_KEY") or _secret_key()
DEBUG = os.environ.get("TRESEN_DEBUG", "") == "1"
ALLOWED_HOSTS = os.environ.get("TRESEN_ALLOWED_HOSTS", "*").split(",")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("TRESEN_CSRF_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "tresen.core",
    "tresen.accounts",
    "tresen.customers",
    "tresen.conversations",
    "tresen.channels",
    "tresen.realtime",
    "tresen.knowledge",
    "tresen.commerce",
    "tresen.portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "tresen.accounts.middleware.agent_language",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "tresen.urls"
ASGI_APPLICATION = "tresen.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tresen.conversations.context_processors.view_counts",
                "tresen.channels.webchat.context.chat_widget",
                "tresen.accounts.context_processors.presence",
                "tresen.realtime.context_processors.live_cursor",
                "tresen.commerce.context_processors.approvals",
            ],
        },
    },
]


def _database() -> dict:
    url = os.environ.get("TRESEN_DATABASE_URL")
    if url:
        # Persistent: each process serves requests on one thread (see asgi.py).
        return dj_database_url.parse(url, conn_max_age=None, conn_health_checks=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": DATA_DIR / "tresen.sqlite3",
        "CONN_MAX_AGE": None,
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            # WAL lets readers work while one writer commits.
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                "PRAGMA busy_timeout=20000; PRAGMA temp_store=MEMORY; "
                "PRAGMA mmap_size=134217728; PRAGMA cache_size=-32000;"
            ),
        },
    }


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.Agent"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "workspace:inbox"
LOGOUT_REDIRECT_URL = "accounts:login"

REDIS_URL = os.environ.get("TRESEN_REDIS_URL", "")

# A socket whose queue is full loses group messages silently: room for bursts.
CHANNEL_CAPACITY = 2000
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                # Channels waits up to 5 s for a message; redis-py's own 5 s read timeout
                # raced it and killed idle sockets now and then (chat benchmark).
                "hosts": [{"address": REDIS_URL, "socket_timeout": 30}],
                "capacity": CHANNEL_CAPACITY,
            },
        }
    }
    TASKS = {
        "default": {
            "BACKEND": "django_tasks_rq.RQBackend",
            "QUEUES": ["default"],
        }
    }
    RQ_QUEUES = {"default": {"URL": REDIS_URL}}
    # Rate limits and cached counts hold across web processes, not per process.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "tresen",
        }
    }
    INSTALLED_APPS.append("django_rq")
else:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "tresen.realtime.layer.RationedInMemoryChannelLayer",
            "CONFIG": {"capacity": CHANNEL_CAPACITY},
        }
    }
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

LANGUAGE_CODE = "de"
LANGUAGES = [("de", "Deutsch"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = os.environ.get("TRESEN_TIME_ZONE", "Europe/Berlin")

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_ROOT = DATA_DIR / "attachments"

# Request bodies above this are refused before parsing (413 from the API).
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("TRESEN_MAX_BODY_BYTES", 2 * 1024 * 1024))
ATTACHMENT_MAX_BYTES = int(os.environ.get("TRESEN_ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024))
ATTACHMENT_ALLOWED_TYPES = [
    "image/",
    "application/pdf",
    "text/plain",
    "text/csv",
    "audio/",
    "video/mp4",
    "application/zip",
    "application/vnd.openxmlformats-officedocument.",
    "application/msword",
    "message/rfc822",
]

# Channel adapters by kind; core code never imports them directly.
TRESEN_CHANNEL_ADAPTERS = {
    "api": "tresen.channels.rest.adapter.ApiAdapter",
    "email": "tresen.channels.email.adapter.EmailAdapter",
    "contact_form": "tresen.channels.contact_form.adapter.ContactFormAdapter",
    "chat": "tresen.channels.webchat.adapter.WebchatAdapter",
}

# Shop providers by name (ShopConnection.provider); core code never imports them directly.
TRESEN_SHOP_PROVIDERS = {
    "demo": "tresen.commerce.demo.provider.DemoShop",
    "shopify": "tresen.commerce.shopify.provider.Shopify",
    "woocommerce": "tresen.commerce.woocommerce.provider.WooCommerce",
    "shopware": "tresen.commerce.shopware.provider.Shopware",
}
# Refunds and store credit an agent may give per action without a lead's approval (in the
# order's currency), unless an approval limit for their role or them says otherwise.
TRESEN_AGENT_REFUND_LIMIT = os.environ.get("TRESEN_AGENT_REFUND_LIMIT", "200")
# Self-service portal: sign-in links live this long; sign-in attempts per address and hour.
TRESEN_PORTAL_LINK_MINUTES = int(os.environ.get("TRESEN_PORTAL_LINK_MINUTES", 30))
TRESEN_PORTAL_ATTEMPTS_PER_HOUR = int(os.environ.get("TRESEN_PORTAL_ATTEMPTS_PER_HOUR", 10))
# Shopware 6 app: its name in the store and the secret the store gave the app (empty: the
# registration endpoints answer 404); the development manifest carries the secret itself.
TRESEN_SHOPWARE_APP_NAME = os.environ.get("TRESEN_SHOPWARE_APP_NAME", "TresenSupport")
TRESEN_SHOPWARE_APP_SECRET = os.environ.get("TRESEN_SHOPWARE_APP_SECRET", "")
TRESEN_SHOPWARE_APP_DEV_MANIFEST = os.environ.get("TRESEN_SHOPWARE_APP_DEV_MANIFEST", "") == "1"
# Where customers reach Tresen: links in mails (sign-in, return labels) start with it.
TRESEN_PUBLIC_URL = os.environ.get("TRESEN_PUBLIC_URL", "http://127.0.0.1:8000")
# Days after delivery (else after the order) within which returns and warranty claims start.
TRESEN_RETURN_DAYS = int(os.environ.get("TRESEN_RETURN_DAYS", 30))
TRESEN_WARRANTY_DAYS = int(os.environ.get("TRESEN_WARRANTY_DAYS", 730))
# What a customer is told when the shop system makes no return labels.
TRESEN_RETURN_INSTRUCTIONS = os.environ.get(
    "TRESEN_RETURN_INSTRUCTIONS",
    "Bitte legen Sie diese Nummer dem Paket bei und senden Sie es an die Absenderadresse "
    "Ihrer Lieferung. / Please put this number in the parcel and send it to the sender "
    "address of your delivery.",
)

# Email: the built-in SMTP receiver ("off" to disable), outbound SMTP, limits.
TRESEN_SMTP_LISTEN = os.environ.get("TRESEN_SMTP_LISTEN", "127.0.0.1:2525")
TRESEN_EMAIL_MAX_BYTES = int(os.environ.get("TRESEN_EMAIL_MAX_BYTES", 40 * 1024 * 1024))
# At most this many autoreplies to one address a day: two autoresponders never ping-pong.
TRESEN_AUTOREPLY_PER_SENDER_PER_DAY = int(os.environ.get("TRESEN_AUTOREPLY_PER_SENDER", 3))
EMAIL_HOST = os.environ.get("TRESEN_SMTP_HOST", "")
EMAIL_PORT = int(os.environ.get("TRESEN_SMTP_PORT", 587))
EMAIL_HOST_USER = os.environ.get("TRESEN_SMTP_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("TRESEN_SMTP_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("TRESEN_SMTP_TLS", "starttls") == "starttls"
EMAIL_USE_SSL = os.environ.get("TRESEN_SMTP_TLS", "starttls") == "ssl"
EMAIL_TIMEOUT = int(os.environ.get("TRESEN_SMTP_TIMEOUT", 30))
# Without an SMTP host, mail is written here as .eml files instead (the demo's outbox).
TRESEN_EMAIL_OUTBOX = os.environ.get("TRESEN_EMAIL_OUTBOX", "")

# The shop as customers see it in the help centre and contact form.
TRESEN_SHOP_NAME = os.environ.get("TRESEN_SHOP_NAME", "Tresen")
TRESEN_SHOP_COLOR = os.environ.get("TRESEN_SHOP_COLOR", "#1f5fbf")
TRESEN_SHOP_LOGO_URL = os.environ.get("TRESEN_SHOP_LOGO_URL", "")
TRESEN_CONTACT_REPLY_HOURS = int(os.environ.get("TRESEN_CONTACT_REPLY_HOURS", 24))

# Message analysis: the shop's code formats (# a digit, * a letter or digit), e.g. NH-######.
TRESEN_ORDER_NUMBER_FORMAT = os.environ.get("TRESEN_ORDER_NUMBER_FORMAT", "")
TRESEN_GIFT_CARD_FORMAT = os.environ.get("TRESEN_GIFT_CARD_FORMAT", "")
# Retrain the topic model on agents' corrections when enough are new (seconds between checks).
TRESEN_NLP_RETRAIN_EVERY = int(os.environ.get("TRESEN_NLP_RETRAIN_EVERY", 24 * 3600))

# Run by each task worker as it starts (core cannot import the modules that need it).
TRESEN_WORKER_STARTUP = [
    "tresen.channels.tasks.requeue_unprocessed",
    "tresen.realtime.streams.in_worker",
]
# Periodic tasks (dotted path of a task, seconds between runs) for `tresen scheduler`.
TRESEN_PERIODIC = [
    ("tresen.channels.email.imap.poll_imap_inboxes", int(os.environ.get("TRESEN_IMAP_EVERY", 60))),
    ("tresen.channels.tasks.sweep_unprocessed", 300),
    ("tresen.conversations.topic_training.retrain_when_due", TRESEN_NLP_RETRAIN_EVERY),
    ("tresen.channels.webchat.tasks.sweep_chats", 30),
    ("tresen.realtime.tasks.prune_stream_events", 3600),
    ("tresen.commerce.tasks.sweep_webhooks", 120),
]

# New chat sessions one address may start per minute (a script, not a shopper, needs more).
TRESEN_CHAT_SESSIONS_PER_MINUTE = int(os.environ.get("TRESEN_CHAT_SESSIONS_PER_MINUTE", 30))
# Without Redis, each web process reads events other processes stored this often (0: off).
TRESEN_REALTIME_TAIL_SECONDS = float(os.environ.get("TRESEN_REALTIME_TAIL_SECONDS", 0.25))

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("TRESEN_LOG_LEVEL", "WARNING")},
}
