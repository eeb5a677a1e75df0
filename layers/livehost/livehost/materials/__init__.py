"""The material library: images, clips and music beds a room shows or plays, uploaded to S3
with presigned POSTs, checked by content, listed and deleted (per room or shared)."""
