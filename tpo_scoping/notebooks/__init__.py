"""The consultant notebooks: run them for a prospect, export the client's copy, and the calls
their cells make.

* :mod:`tpo_scoping.notebooks.run` executes every notebook in ``notebooks/`` for one prospect with
  papermill (:func:`~tpo_scoping.notebooks.run.run_notebooks`), and names the notebook and the
  cell when one raises (:class:`~tpo_scoping.notebooks.run.NotebookFailure`);
* :mod:`tpo_scoping.notebooks.client_html` writes the HTML copy a client receives from an
  executed notebook (:func:`~tpo_scoping.notebooks.client_html.export_html`);
* :mod:`tpo_scoping.notebooks.prospect_io` is what the notebooks' cells call to read the
  prospect's inputs from their parameters and to write the engagement brief
  (:func:`~tpo_scoping.notebooks.prospect_io.load_inputs`,
  :func:`~tpo_scoping.notebooks.prospect_io.write_brief`).
"""
