"""The company dashboard: the organization, its standing with the organizers, its members."""
from flask import g, render_template
from sqlalchemy import select

from ..accounts.models import User
from ..extensions import db
from ..web.company import company_blueprint

blueprint = company_blueprint("company", __name__)


@blueprint.get("/")
def dashboard():
    members = db.session.scalars(select(User).where(User.organization_id == g.company.id).order_by(User.name, User.id))
    return render_template("company/dashboard.html", company=g.company, members=list(members))
