"""Landing page: what this is and where to go."""

from __future__ import annotations

import streamlit as st

from ui.common import action


def main() -> None:
    st.title("Deliberation")
    st.write("Share short statements about the question, vote agree / disagree / pass on other people's "
             "statements, and see where people agree across their differences.")
    code = st.query_params.get("code", "")
    st.page_link("views/participant.py", label="Take part: join with the code you were given",
                 icon=":material/how_to_vote:", query_params={"code": code} if code else None)
    st.page_link("views/board.py", label="Live board (for the screen in the room)", icon=":material/monitoring:",
                 query_params={"code": code} if code else None)
    st.page_link("views/report.py", label="Report", icon=":material/description:",
                 query_params={"code": code} if code else None)
    st.page_link("views/moderator.py", label="Moderator console", icon=":material/admin_panel_settings:")


with action("Showing the start page"):
    main()
