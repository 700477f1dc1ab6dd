"""The customer's side: a personal link in every reminder to a page where the customer sees
what they owe and answers (paid, promise, dispute, payment plan). A floor of its own,
between banking/insight and the faces (docs/architecture.md)."""
