from django.db import migrations


def create(apps, schema_editor):
    from tresen.knowledge import index

    index.create(schema_editor)


def drop(apps, schema_editor):
    from tresen.knowledge import index

    index.drop(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
