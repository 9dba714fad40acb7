-- Theme mart: law_and_governance (survey question theme 'law_governance').
{{ survey_theme_mart('law_governance') }}
