"""The workspace's one blueprint: every view module adds its routes to it."""
from flask import Blueprint

bp = Blueprint("workspace", __name__, template_folder="templates", static_folder="static",
               static_url_path="/workspace/static")
