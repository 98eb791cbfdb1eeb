"""Opinion analysis: topics by embedding, opinion groups from votes, statistics. Pure functions; no LangGraph or Streamlit."""
