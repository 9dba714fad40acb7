select * from marts.public_opinion
