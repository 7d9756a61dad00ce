-- The patient chart (issues 4 and 5) reads each kind of a person's records by person,
-- newest first. Antenatal and postnatal contacts and deliveries were indexed only by
-- their pregnancy or delivery, so a chart read scanned them all; these indexes let it
-- read one person's.

CREATE INDEX anc_contact_person ON anc_contact (person_id, contact_on);
CREATE INDEX pnc_contact_person ON pnc_contact (person_id, contact_on);
CREATE INDEX delivery_person ON delivery (person_id, delivered_on);
