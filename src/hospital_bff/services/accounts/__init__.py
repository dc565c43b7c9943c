"""Accounts, the hospital's users, and the patients bound to them (paper §4.1).

An outside account (a WeChat openid, an Alipay user id) signs in (`signin`); verifying a
national ID against the HIS's master index ties it to the one hospital user of that person
(`identity`), so a second account of the same person sees the same patients; the user binds HIS
patients, themselves and family, from the master index (`patients`). The HIS is the only
authority on who a person is: nothing is verified or bound on facts it does not hold, and a
person it does not know registers at the hospital first (paper §4.1: 医院用户与HIS中患者主索引进行
绑定). Both checks compare the HIS's facts the same way and share one attempt budget
(`matching`). Staff and repeated no-shows restrict a user from booking and paying
(`restrictions`).

Like every service here, none of these commits: the caller's unit of work does.
"""
