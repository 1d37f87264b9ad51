from sqlalchemy import create_engine

engine = create_engine("postgresql+psycopg2://shop:Xk29fLq7@db.internal:5432/shop")
