-- A net of seeds/poll_scales.csv has one label and no answer of its scale has the net's key.
select nets.scale, nets.net_key
from {{ ref('poll_scales') }} as nets
left join {{ ref('poll_scales') }} as answers
    on nets.scale = answers.scale
    and nets.net_key = answers.answer_key
where nets.net_key is not null
group by nets.scale, nets.net_key
having count(distinct nets.net_label) <> 1 or count(answers.answer_key) > 0
