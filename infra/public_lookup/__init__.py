"""The public look-up kit's stores: spent challenges (in the read-model database or Redis)."""
