"""Tags on any resource the catalog registers as taggable (``handlers``)."""
