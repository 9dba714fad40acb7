-- Theme mart: the survey results of the theme that seed survey_themes gives this model's name.
{{ survey_theme_mart() }}
