"""Every write and every download through the web leaves an audit entry, whatever the view.

A write is recorded by the service that makes it (`audit.services.audited`), with what it
changed; this middleware gives the action its request (`in_request`: the address and the
page) and records what no action did, with the page's name: downloads (responses sent as
attachments: Excel, PDF, evidence files), and a write that no action recorded: refused before
any service ran (a 403), failed (a 500), or made by a page with no service of ours (the Django
admin). A page that saved nothing (a preview, a form sent back with its errors) is not
recorded. Sign-in and sign-out are recorded by `audit.signals`, with their own outcome, so
their URLs are skipped here.
"""

from django.http import HttpRequest
from django.http.response import HttpResponseBase

from audit.models import AuditEntry
from audit.services import in_request, outcome_of, record
from core.filenames import filename_of
from core.http import GetResponse

SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}
# session_renew (继续工作 on the idle warning) writes no data: it moves the session's expiry
# on, as opening any page does, and pages are not recorded either.
SKIPPED = {"login", "logout", "session_renew"}

# View names in the clerk's words; a view not listed is recorded by its name.
ACTIONS = {
    "report_month": "月度填报（保存或报送）",
    "report_approve": "审核通过月报",
    "report_return": "退回月报",
    "reports_approve": "批量审核通过月报",
    "reports_return_unit": "退回单位整月月报",
    "period_lock": "锁定或解锁月份",
    "period_unlock": "解锁月份",
    "report_photos": "上传进度照片",
    "photo_delete": "删除进度照片",
    "project_create": "新建项目",
    "project_edit": "编辑项目",
    "plan_add": "列入年度计划",
    "project_replace": "替换项目",
    "plan_edit": "修改年度计划或填报开工",
    "milestones": "维护项目节点",
    "ledger_import": "导入Excel台账",
    "job_progress": "查看后台任务进度",
    "job_file": "下载后台任务生成的文件",
    "backup_page": "查看数据备份",
    "backup_start": "开始备份数据",
    "backup_restore": "上传备份并从备份恢复",
    "ledger_export": "导出Excel台账",
    "ledger_template": "下载台账模板",
    "fund_create": "登记资金申报",
    "fund_edit": "编辑资金申报",
    "fund_attach": "上传资金申报附件",
    "fund_spending_add": "登记资金支出",
    "fund_spending_delete": "删除资金支出",
    "fund_clock_rules": "修改资金支出预警规则",
    "fund_file": "下载资金申报附件",
    "fund_list": "导出资金申报",
    "finding_create": "交办督查问题",
    "finding_edit": "修改督查问题",
    "finding_answer": "填报整改情况",
    "finding_close": "督查问题销号",
    "finding_send_back": "退回整改",
    "finding_move": "转交督查问题",
    "evidence_file": "下载整改佐证材料",
    "inspection_create": "记录督查",
    "notice_create": "印发通报",
    "briefing": "填写下步工作打算",
    "year_settings": "年度设置（预览或保存）",
    "briefing_pdf": "下载简报",
    "project_sheet_pdf": "下载项目一页纸",
    "board": "导出挂图作战表",
    "timeline": "节点作战图",
    "timeline_pdf": "下载节点作战图",
    "lag_warnings": "导出滞后预警",
    "overruns": "导出超概算超工期项目",
    "warning_rules": "修改预警规则",
    "quality_rules": "修改数据质量规则",
    "quality_flags": "导出数据质量提示",
    "report_send": "报送确认（填写说明并报送）",
    "report_quality": "数据质量提示",
    "flag_explain": "填写数据质量说明",
    "flag_accept": "核实数据质量提示",
    "password_change": "修改密码",
    "security_users": "安全管理（角色、解锁）",
    "audit_log": "导出审计日志",
    "security_user_change": "安全管理：修改角色和单位",
    "people_list": "账号管理",
    "account_new": "新建账号",
    "account_active": "停用或启用账号",
    "account_reset": "重置密码",
    "account_reset_request": "申请重置密码",
    "account_reset_withdraw": "撤回重置密码申请",
    "security_reset_decide": "安全管理：确认或驳回重置密码",
    "reporters_upload": "导入填报员",
    "reporters_template": "下载填报员导入模板",
    "reporters_passwords": "查看导入填报员的初始密码",
    "unit_list": "责任单位",
    "unit_create": "新增责任单位",
    "unit_edit": "修改责任单位",
    "unit_merge": "合并责任单位",
    "milestone_edit": "修改项目节点",
    "inspection_edit": "修改督查记录",
    "notice_pdf": "下载通报PDF",
    "finding_list": "导出督查问题清单",
    "rankings": "导出考核排名",
    "ledger_changes": "下载台账导入变更清单",
    "upstream_list": "上传上报模板",
    "upstream_detail": "上报模板（换用新版、表头行、对应关系、删除）",
    "upstream_download": "下载填好的上报表",
    "upstream_original": "下载上报模板原文件",
    "photo_file": "查看进度照片",
    # pages people only read (recorded only if one ever answers a download)
    "dashboard": "总体情况",
    "account_pending": "账号尚未授权",
    "data_history": "数据变更记录",
    "finding_detail": "督查问题详情",
    "fund_detail": "资金申报详情",
    "inspection_detail": "督查记录详情",
    "inspection_list": "督查记录",
    "notice_detail": "通报详情",
    "notice_list": "通报列表",
    "project_detail": "项目详情",
    "project_list": "项目库",
    "report_current": "月度填报",
    "review_current": "报表审核",
    "review_month": "报表审核",
    "activity_list": "招商引资活动",
    "activity_detail": "招商引资活动详情",
    "activity_create": "登记招商引资活动",
    "activity_edit": "修改招商引资活动",
    "activity_delete": "删除招商引资活动",
    "promotion_figures": "招商引资统计",
    "opendata": "开放数据",
    "oc4ids_download": "下载开放数据（OC4IDS）",
    "batch_list": "三个一批",
    "batch_detail": "三个一批期次详情",
    "batch_create": "新建三个一批期次",
    "batch_edit": "修改三个一批期次",
    "batch_entries_add": "三个一批期次列入项目",
    "batch_entry_edit": "修改三个一批目标日期",
    "batch_entry_remove": "三个一批期次移出项目",
    "briefing_batches_xlsx": "导出三个一批完成情况",
}


def _action(request: HttpRequest) -> str:
    match = request.resolver_match
    name = (match.url_name if match else None) or ""
    if match and match.namespace == "admin":
        return f"系统管理：{request.method} {name}".strip()
    return ACTIONS.get(name, name or request.path)


class AuditMiddleware:
    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        with in_request(request) as state:
            response = self.get_response(request)
        if state.recorded:
            return response  # the action wrote its own entry
        match = request.resolver_match
        if match and match.url_name in SKIPPED:
            return response
        disposition = response.get("Content-Disposition", "")
        admin = bool(match and match.namespace == "admin")
        if request.method not in SAFE_METHODS and (admin or response.status_code >= 400):
            # No action ran to say so: refused before any service (403), failed (500), or
            # the Django admin's own form. A page that saved nothing (a preview, a form sent
            # back with its errors) changed nothing and is not recorded.
            category = AuditEntry.Category.WRITE
        elif disposition.startswith("attachment") and response.status_code == 200:
            category = AuditEntry.Category.DOWNLOAD
        else:
            return response
        record(
            category=category,
            action=_action(request),
            outcome=outcome_of(response.status_code),
            request=request,
            target=request.get_full_path(),
            status_code=response.status_code,
            detail=filename_of(disposition),
        )
        return response
