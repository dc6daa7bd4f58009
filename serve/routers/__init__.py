"""One APIRouter per route group: health (open), ner (prediction key), admin (admin key)."""
