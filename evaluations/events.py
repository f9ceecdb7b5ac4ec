"""What happens to reviews, announced after commit for the apps above (the big screen's alerts and figures):

- review_given   a citizen rated a service (review_id, center_id, bad: a 差评)
"""

from hall.events import Event

review_given = Event("review_given")
