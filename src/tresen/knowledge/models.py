from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

LANGUAGES = (("de", "Deutsch"), ("en", "English"))


class Category(models.Model):
    """A category of the help centre in one language; a section is a category with a parent."""

    language = models.CharField(_("language"), max_length=5, choices=LANGUAGES)
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(max_length=140)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="sections"
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["language", "slug"], name="category_slug_unique")
        ]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    AGENTS = "agents", _("Agents only")


class Article(models.Model):
    # Translations share a key (the id an article was imported with, or one made up).
    key = models.SlugField(_("key"), max_length=140)
    language = models.CharField(_("language"), max_length=5, choices=LANGUAGES)
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(max_length=220)
    body = models.TextField(_("body (Markdown)"), blank=True)
    body_html = models.TextField(blank=True)  # rendered and sanitised on save
    body_text = models.TextField(blank=True)  # plain text of it, for snippets
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles"
    )
    tags = models.JSONField(default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    last_reviewed_at = models.DateTimeField(_("last reviewed"), null=True, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    published_at = models.DateTimeField(null=True, blank=True)
    views = models.PositiveIntegerField(default=0)
    helpful_yes = models.PositiveIntegerField(default=0)
    helpful_no = models.PositiveIntegerField(default=0)
    # What it is about, in the taxonomy of customer messages (nlp): label -> probability of
    # the best three. Search matches it with the topic of a query that shares no words.
    topic = models.CharField(max_length=40, blank=True, db_index=True)
    topic_scores = models.JSONField(default=dict, blank=True)
    # Search terms of title, tags and body (lib.search_terms), what both backends index.
    search_terms = models.TextField(blank=True)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(fields=["key", "language"], name="article_key_language"),
            models.UniqueConstraint(fields=["language", "slug"], name="article_slug_unique"),
        ]
        indexes = [models.Index(fields=["language", "status", "visibility"], name="article_live")]
        verbose_name = _("article")
        verbose_name_plural = _("articles")

    def __str__(self) -> str:
        return f"{self.title} ({self.language})"

    @property
    def is_public(self) -> bool:
        return self.status == Status.PUBLISHED and self.visibility == Visibility.PUBLIC


class ArticleVersion(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="article_version_unique")
        ]


class Feedback(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="feedback")
    helpful = models.BooleanField()
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField()


class SearchQuery(models.Model):
    """One search as typed (after the user stopped typing), for the content-gaps report."""

    query = models.CharField(max_length=200)
    language = models.CharField(max_length=5, blank=True)
    source = models.CharField(max_length=20)  # portal, api, workspace
    results = models.PositiveIntegerField()
    clicked = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(db_index=True)


class Synonyms(models.Model):
    """Words the shop's customers use for the same thing: "Retoure, Rücksendung, zurückschicken"."""

    language = models.CharField(max_length=5, choices=LANGUAGES)
    words = models.CharField(_("words, comma-separated"), max_length=500)

    class Meta:
        verbose_name = _("synonyms")
        verbose_name_plural = _("synonyms")

    def __str__(self) -> str:
        return self.words
