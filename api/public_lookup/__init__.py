"""The public look-up kit every public endpoint shares (/sivil, /sertifikat, shares; issue 33): the challenge, the
client address, the rate limit, the thread lane and the answer types."""
