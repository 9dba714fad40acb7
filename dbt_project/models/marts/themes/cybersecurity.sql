-- Theme mart: cybersecurity (survey question theme 'cybersecurity').
{{ survey_theme_mart('cybersecurity') }}
