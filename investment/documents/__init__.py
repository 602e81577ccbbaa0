"""What is rendered for both pages and commands: the briefing, charts, notices."""
