-- The people search. Listing by name when nothing was typed walks this index in order
-- and checks the filters from the index itself; checking a person's other query words
-- reads only the (person_id, token) index, never the table.
CREATE INDEX person_name_order ON person
    (family_name_latin, given_name_latin, family_name_km, given_name_km, id,
     registered_facility_id, birth_date, sex, merged_into, entered_in_error_at);
CREATE INDEX person_search_token_person_token ON person_search_token (person_id, token);
-- Listing one facility's people of an age band by name reads this index alone: the
-- rows it picks, their names to sort by and the other filters.
CREATE INDEX person_facility_listing ON person
    (registered_facility_id, birth_date, family_name_latin, given_name_latin,
     family_name_km, given_name_km, id, sex, merged_into, entered_in_error_at);
