"""Community consultation (社区协商): bodies and their legal rules, matters residents raise,
meetings with sign-in and votes, and the decisions they reach."""
