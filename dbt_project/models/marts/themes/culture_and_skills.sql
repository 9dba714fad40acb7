-- Theme mart: culture_and_skills (survey question theme 'culture_skills').
{{ survey_theme_mart('culture_skills') }}
