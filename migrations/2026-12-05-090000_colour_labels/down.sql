DROP TRIGGER IF EXISTS xmp_pending_label_set;
DROP TRIGGER IF EXISTS xmp_pending_label_changed;
DROP TRIGGER IF EXISTS xmp_pending_label_cleared;
DROP TABLE media_labels;
