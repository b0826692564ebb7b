"""The micro-turn loop: scheduling, the interaction step and the policy that turns it into actions."""
