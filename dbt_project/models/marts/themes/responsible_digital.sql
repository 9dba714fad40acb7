-- Theme mart: responsible_digital (survey question theme 'responsible_digital').
{{ survey_theme_mart('responsible_digital') }}
