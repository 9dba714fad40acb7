select * from marts.respondents
