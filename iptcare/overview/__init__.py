"""A course as its pages show it, gathered from the apps that keep its parts.

Where the course stands is the courses app's; its focus areas, inventory and formulation
are formulation's; whether a symptom measure was taken is measures'. courses sits below
the other two and never imports them (the layers in pyproject.toml, [tool.importlinter]),
so what needs all three is read here, a layer above them, and handed to the pages and
the API: the course page's overview and the header every course page shows.

No models and no templates: a package of selectors, not an installed app.
"""
