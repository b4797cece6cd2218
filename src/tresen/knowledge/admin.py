"""The knowledge base in Django's admin: synonyms are kept here; articles are written in the
workspace (/workspace/kb/), which keeps versions and the search index, so here they are read
only."""

from django.contrib import admin

from .models import Article, ArticleVersion, Category, Feedback, SearchQuery, Synonyms


@admin.register(Synonyms)
class SynonymsAdmin(admin.ModelAdmin):
    list_display = ["words", "language"]
    list_filter = ["language"]
    search_fields = ["words"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "language", "parent", "position"]
    list_filter = ["language"]
    list_editable = ["position"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class ReadOnly(admin.ModelAdmin):
    """Rows written only by knowledge.services: shown, never changed here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class VersionInline(admin.TabularInline):
    model = ArticleVersion
    fields = ["number", "title", "author", "note", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Article)
class ArticleAdmin(ReadOnly):
    list_display = [
        "title",
        "language",
        "key",
        "status",
        "visibility",
        "category",
        "last_reviewed_at",
        "views",
        "helpful_yes",
        "helpful_no",
    ]
    list_filter = ["language", "status", "visibility", "category"]
    search_fields = ["title", "key"]
    exclude = ["search_terms", "body_html"]
    inlines = [VersionInline]

    def has_delete_permission(self, request, obj=None):
        # Archive in the workspace instead: the search index and links stay consistent.
        return False


@admin.register(Feedback)
class FeedbackAdmin(ReadOnly):
    list_display = ["article", "helpful", "comment", "created_at"]
    list_filter = ["helpful"]
    date_hierarchy = "created_at"


@admin.register(SearchQuery)
class SearchQueryAdmin(ReadOnly):
    list_display = ["query", "language", "source", "results", "clicked", "created_at"]
    list_filter = ["source", "language"]
    search_fields = ["query"]
    date_hierarchy = "created_at"
