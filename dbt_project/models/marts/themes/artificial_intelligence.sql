-- Theme mart: artificial_intelligence (survey question theme 'artificial_intelligence').
{{ survey_theme_mart('artificial_intelligence') }}
