"""Sub-centres (分中心: 12333, 12348, 12315, 12366, 95598 …) and the call records they send the
platform in real time (R-SUBCENTRE)."""
